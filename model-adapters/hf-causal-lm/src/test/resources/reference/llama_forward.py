#!/usr/bin/env python3
"""Golden logits for ReferenceDecoderTest: the Llama/Qwen2 decoder forward in float64 numpy.

This is the tool that produced the numbers pasted into
org.grpowb.hf.reference.ReferenceDecoderTest. It is written independently of the Java
ReferenceDecoder, from the same maths (transformers' modeling_llama.py / modeling_qwen2.py):
vectorised numpy where the Java is plain loops, so that the two agreeing to 1e-9 says the
Java oracle computes the architecture, not merely itself.

Run:  python3 llama_forward.py            (needs only numpy; tested with numpy 2.4)
It prints, per tiny model, the logits [T][vocab] of TOKENS as Java array literals.

The three tiny models (mirrored by TinyModels.java):
  qwen2_like   qwen2, hidden 32, heads 4 / kv 2 (head_dim 8), q/k/v biases, untied, theta 1e6
  llama3_like  llama, hidden 24, heads 4 / kv 4, explicit head_dim 8 (4*8 != 24), untied, no biases,
               theta 1e4 with llama3 scaling: factor 8, low 1, high 4, original 64 (so the four
               frequencies fall one kept, one smoothed, two divided)
  smollm2_like llama, hidden 24, heads 3 / kv 1 (head_dim 8), tied embeddings, theta 1e5

Weights: a quadratic Weyl sequence per tensor, computed bit-identically in Java and here
(only +, *, floor and sqrt, all correctly rounded; no transcendental function):
  s      = sum over the name's characters c_j (j from 0) of (j + 1) * ord(c_j), mod 997
  alpha  = frac(sqrt(2) * (s + 1)),  beta = frac(sqrt(3) * (s + 1))
  u[k]   = frac(alpha * k * k + beta * k),  k = 0 .. size-1 over the row-major elements
  v[k]   = 2 u[k] - 1 in [-1, 1)
  RMSNorm weights 1 + 0.25 v; biases 0.2 v; the embedding v; a Linear [out, in] v * sqrt(3 / in)
  (unit output variance for unit inputs). Unlike sin(a k + b), whose matrices have rank 2, these
  are full-rank, so a transposed or mis-sliced weight cannot go unnoticed.
"""

import math

import numpy as np

TOKENS = [1, 7, 3, 19, 0, 7]

MODELS = {
    "qwen2_like": dict(model_type="qwen2", hidden=32, intermediate=48, layers=2, heads=4, kv_heads=2,
                       head_dim=8, theta=1e6, llama3=None, eps=1e-6, vocab=20, tied=False,
                       qkv_bias=True, o_bias=False, mlp_bias=False),
    "llama3_like": dict(model_type="llama", hidden=24, intermediate=40, layers=2, heads=4, kv_heads=4,
                        head_dim=8, theta=1e4,
                        llama3=dict(factor=8.0, low=1.0, high=4.0, original=64),
                        eps=1e-5, vocab=20, tied=False, qkv_bias=False, o_bias=False, mlp_bias=False),
    "smollm2_like": dict(model_type="llama", hidden=24, intermediate=32, layers=2, heads=3, kv_heads=1,
                         head_dim=8, theta=1e5, llama3=None, eps=1e-5, vocab=20, tied=True,
                         qkv_bias=False, o_bias=False, mlp_bias=False),
}


# ---------------------------------------------------------------------------------------------
# deterministic weights

def seed(name):
    return sum((j + 1) * ord(c) for j, c in enumerate(name)) % 997


def frac(x):
    return x - math.floor(x)


def values(name, size):
    s = seed(name)
    alpha = frac(math.sqrt(2.0) * (s + 1))
    beta = frac(math.sqrt(3.0) * (s + 1))
    out = np.empty(size)
    for k in range(size):
        out[k] = 2.0 * frac(alpha * k * k + beta * k) - 1.0
    return out


def tensor(name, shape):
    v = values(name, int(np.prod(shape))).reshape(shape)
    if name.endswith("norm.weight"):
        return 1.0 + 0.25 * v
    if name.endswith(".bias"):
        return 0.2 * v
    if name == "model.embed_tokens.weight":
        return v
    return v * math.sqrt(3.0 / shape[1])


def weights(m):
    h, q, kv, f = m["hidden"], m["heads"] * m["head_dim"], m["kv_heads"] * m["head_dim"], m["intermediate"]
    w = {"model.embed_tokens.weight": tensor("model.embed_tokens.weight", (m["vocab"], h))}
    for i in range(m["layers"]):
        p = f"model.layers.{i}."
        shapes = {
            "input_layernorm.weight": (h,),
            "self_attn.q_proj.weight": (q, h), "self_attn.k_proj.weight": (kv, h),
            "self_attn.v_proj.weight": (kv, h), "self_attn.o_proj.weight": (h, q),
            "post_attention_layernorm.weight": (h,),
            "mlp.gate_proj.weight": (f, h), "mlp.up_proj.weight": (f, h), "mlp.down_proj.weight": (h, f),
        }
        if m["qkv_bias"]:
            shapes.update({"self_attn.q_proj.bias": (q,), "self_attn.k_proj.bias": (kv,),
                           "self_attn.v_proj.bias": (kv,)})
        if m["o_bias"]:
            shapes["self_attn.o_proj.bias"] = (h,)
        if m["mlp_bias"]:
            shapes.update({"mlp.gate_proj.bias": (f,), "mlp.up_proj.bias": (f,), "mlp.down_proj.bias": (h,)})
        for n, s in shapes.items():
            w[p + n] = tensor(p + n, s)
    w["model.norm.weight"] = tensor("model.norm.weight", (h,))
    if not m["tied"]:
        w["lm_head.weight"] = tensor("lm_head.weight", (m["vocab"], h))
    return w


# ---------------------------------------------------------------------------------------------
# rotary frequencies, float32 step by step as transformers' torch code (modeling_rope_utils.py)

def inv_freq(m):
    f32 = np.float32
    d = m["head_dim"]
    exps = np.arange(0, d, 2).astype(f32) / f32(d)
    # the float32 power, taken as the float64 power rounded once (torch's SLEEF powf is within 1 ulp)
    power = np.array([f32(math.pow(float(f32(m["theta"])), float(e))) for e in exps], dtype=f32)
    inv = f32(1.0) / power
    s = m["llama3"]
    if s is None:
        return inv
    factor, low, high, ctx = f32(s["factor"]), f32(s["low"]), f32(s["high"]), f32(s["original"])
    low_wl, high_wl = f32(s["original"] / s["low"]), f32(s["original"] / s["high"])
    wavelen = (f32(1.0) / inv) * f32(2 * math.pi)          # 2*pi / t  is  t.reciprocal() * 2*pi
    scaled = np.where(wavelen > low_wl, inv / factor, inv).astype(f32)
    smooth = ((f32(1.0) / wavelen) * ctx - low) / f32(s["high"] - s["low"])
    smoothed = ((f32(1.0) - smooth) * scaled / factor + smooth * scaled).astype(f32)
    medium = ~(wavelen < high_wl) & ~(wavelen > low_wl)
    return np.where(medium, smoothed, scaled).astype(f32)


# ---------------------------------------------------------------------------------------------
# the forward, float64

def rms_norm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def linear(x, w, b=None):
    y = x @ w.T
    return y if b is None else y + b


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def forward(m, w, tokens):
    T, d, H, KV = len(tokens), m["head_dim"], m["heads"], m["kv_heads"]
    freqs = np.outer(np.arange(T, dtype=np.float64), inv_freq(m).astype(np.float64))   # [T, d/2]
    emb = np.concatenate([freqs, freqs], axis=-1)                                        # [T, d]
    cos, sin = np.cos(emb), np.sin(emb)
    mask = np.triu(np.full((T, T), -np.inf), k=1)

    x = w["model.embed_tokens.weight"][tokens]
    for i in range(m["layers"]):
        p = f"model.layers.{i}."
        g = lambda n: w.get(p + n)
        h = rms_norm(x, g("input_layernorm.weight"), m["eps"])
        q = linear(h, g("self_attn.q_proj.weight"), g("self_attn.q_proj.bias")).reshape(T, H, d).transpose(1, 0, 2)
        k = linear(h, g("self_attn.k_proj.weight"), g("self_attn.k_proj.bias")).reshape(T, KV, d).transpose(1, 0, 2)
        v = linear(h, g("self_attn.v_proj.weight"), g("self_attn.v_proj.bias")).reshape(T, KV, d).transpose(1, 0, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, H // KV, axis=0)            # repeat_kv: query head h reads KV head h // (H / KV)
        v = np.repeat(v, H // KV, axis=0)
        scores = q @ k.transpose(0, 2, 1) * d ** -0.5 + mask
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        attn = (probs @ v).transpose(1, 0, 2).reshape(T, H * d)
        x = x + linear(attn, g("self_attn.o_proj.weight"), g("self_attn.o_proj.bias"))
        h = rms_norm(x, g("post_attention_layernorm.weight"), m["eps"])
        gate = linear(h, g("mlp.gate_proj.weight"), g("mlp.gate_proj.bias"))
        up = linear(h, g("mlp.up_proj.weight"), g("mlp.up_proj.bias"))
        x = x + linear(gate / (1.0 + np.exp(-gate)) * up, g("mlp.down_proj.weight"), g("mlp.down_proj.bias"))
    x = rms_norm(x, w["model.norm.weight"], m["eps"])
    head = w["model.embed_tokens.weight"] if m["tied"] else w["lm_head.weight"]
    return x @ head.T


def java(name, logits):
    rows = ",\n".join("            {" + ", ".join(repr(float(v)) for v in row) + "}" for row in logits)
    return f"    static final double[][] {name.upper()} = {{\n{rows}}};\n"


if __name__ == "__main__":
    for name, m in MODELS.items():
        print(f"    // {name}: inv_freq (float32) = {[float(f) for f in inv_freq(m)]}")
        print(java(name, forward(m, weights(m), TOKENS)))
