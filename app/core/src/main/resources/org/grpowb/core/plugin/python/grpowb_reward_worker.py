"""GRPO Workbench's worker for one Python reward file (standard library only, Python 3.8+).

Started as ``python -u grpowb_reward_worker.py <plugin file>``. It imports the plugin file, writes one handshake line
listing its reward functions, then answers one JSON line per request line until its input closes.

Handshake: {"protocol": 1, "functions": [{"name": ..., "doc": ..., "score_range": [lo, hi] or null}]}
       or  {"protocol": 1, "error": "...", "line": n}   (then it exits with status 1)
Request:   {"id": n, "function": name, "completions": [...], "kwargs": {"prompts": [...], ...}}
Reply:     {"id": n, "scores": [float or null, ...]}  or  {"id": n, "error": "..."}

The protocol has file descriptors of its own: before the plugin is imported, descriptor 1 is pointed at standard
error and descriptor 0 at the null device, so that nothing the plugin (or a program it starts) prints or reads can
corrupt or steal a protocol line.
"""

import inspect
import io
import json
import math
import numbers
import os
import sys
import traceback
import importlib.util

PROTOCOL = 1


def _protocol_streams():
    """Keeps the real stdin/stdout for the protocol and gives the plugin stderr and the null device instead."""
    out_fd = os.dup(1)
    in_fd = os.dup(0)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    out = io.open(out_fd, "w", encoding="utf-8", newline="\n")
    inp = io.open(in_fd, "r", encoding="utf-8", newline="\n")
    return inp, out


def _send(out, message):
    out.write(json.dumps(message, allow_nan=False) + "\n")
    out.flush()


def _plugin_line(error, path):
    """The plugin file's line at fault: a SyntaxError's own, else the innermost traceback frame in the file."""
    same = lambda f: f is not None and os.path.abspath(f) == path
    if isinstance(error, SyntaxError) and same(error.filename):
        return error.lineno or 0
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if same(frame.filename):
            line = frame.lineno or 0
    return line


def _describe(error):
    if isinstance(error, SyntaxError):
        return "%s: %s" % (type(error).__name__, error.msg)
    return "%s: %s" % (type(error).__name__, error)


def _import(path):
    name = "grpowb_reward_" + "".join(c if c.isalnum() else "_" for c in os.path.splitext(os.path.basename(path))[0])
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("Python cannot load %s as a module" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Refused(Exception):
    """A request naming no reward function, or a reply that is not one score per completion: said without a
    traceback, as the fault is in what was returned, not where."""


class PluginError(Exception):
    def __init__(self, message, line=0):
        Exception.__init__(self, message)
        self.line = line


def _range(value, what, line):
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise PluginError("%s must be a pair (lo, hi) of numbers, got %r" % (what, value), line)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
        raise PluginError("%s must be finite with lo <= hi, got %r" % (what, value), line)
    return [lo, hi]


def _reward_functions(module, path):
    """The module's own public functions that take ``completions``, by TRL's name for them (``__name__``)."""
    functions = {}
    for attr, f in vars(module).items():
        if attr.startswith("_") or not inspect.isfunction(f) or f.__module__ != module.__name__:
            continue
        try:
            params = inspect.signature(f).parameters
        except (TypeError, ValueError):
            continue
        if "completions" not in params:
            continue
        other = functions.get(f.__name__)
        if other is not None and other is not f:
            raise PluginError("two reward functions are both named '%s' (TRL names a reward by its function's "
                              "__name__)" % f.__name__, f.__code__.co_firstlineno)
        functions[f.__name__] = f
    if not functions:
        raise PluginError("%s defines no reward function: a top-level function whose name does not start with '_' "
                          "and which takes a 'completions' parameter" % path)
    ranges = getattr(module, "SCORE_RANGES", None) or {}
    if not isinstance(ranges, dict):
        raise PluginError("SCORE_RANGES must be a dict of function name to (lo, hi), got %r" % type(ranges).__name__)
    for name in ranges:
        if name not in functions:
            raise PluginError("SCORE_RANGES names '%s', which is not a reward function of this file (they are: %s)"
                              % (name, ", ".join(sorted(functions))))
    listed = []
    for name, f in functions.items():
        line = f.__code__.co_firstlineno
        declared = getattr(f, "score_range", None)
        if declared is not None:
            score_range = _range(declared, "%s.score_range" % name, line)
        elif name in ranges:
            score_range = _range(ranges[name], "SCORE_RANGES['%s']" % name, line)
        else:
            score_range = None
        doc = inspect.getdoc(f) or ""
        listed.append({"name": name, "doc": doc.strip().splitlines()[0] if doc.strip() else "",
                       "score_range": score_range})
    return functions, listed


def _score(value, name, i):
    """One completion's score: a finite float, or None when the rollout's reward failed (None, NaN, +-inf)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not (isinstance(value, numbers.Real) or hasattr(type(value), "__float__")):
        raise Refused("%s returned %s (%r) for completion %d, not a number" % (name, type(value).__name__,
                                                                                   value, i))
    x = float(value)
    return x if math.isfinite(x) else None


def _call(f, name, completions, kwargs):
    params = inspect.signature(f).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        args = kwargs
    else:
        # TRL would fail on a keyword the function does not name; we pass only those it names
        named = {p.name for p in params}
        args = {k: v for k, v in kwargs.items() if k in named}
    result = f(completions=completions, **args)
    if isinstance(result, (str, bytes, dict)) or not hasattr(result, "__iter__"):
        raise Refused("%s returned %s, not a list of one score per completion" % (name, type(result).__name__))
    result = list(result)
    if len(result) != len(completions):
        raise Refused("%s returned %d scores for %d completions" % (name, len(result), len(completions)))
    return [_score(v, name, i) for i, v in enumerate(result)]


def _error_summary(error):
    """The exception and the last frames of the plugin's own code (not this runner's), for the workbench's message."""
    if isinstance(error, Refused):
        return str(error)
    runner = os.path.abspath(__file__)
    frames = [fr for fr in traceback.extract_tb(error.__traceback__) if os.path.abspath(fr.filename) != runner][-3:]
    where = "; ".join("%s:%d in %s" % (os.path.basename(fr.filename), fr.lineno or 0, fr.name) for fr in frames)
    return _describe(error) + (" (at " + where + ")" if where else "")


def main():
    inp, out = _protocol_streams()
    if len(sys.argv) != 2:
        _send(out, {"protocol": PROTOCOL, "error": "usage: grpowb_reward_worker.py <reward file>", "line": 0})
        return 2
    path = os.path.abspath(sys.argv[1])
    sys.dont_write_bytecode = True  # the plugin's folder is the workbench's content-addressed store: leave it as is
    sys.path[0] = os.path.dirname(path)  # as `python <file>` would; never the runner's own folder
    try:
        module = _import(path)
        functions, listed = _reward_functions(module, path)
    except PluginError as e:
        _send(out, {"protocol": PROTOCOL, "error": str(e), "line": e.line})
        return 1
    except BaseException as e:  # SystemExit and KeyboardInterrupt at import are the plugin's faults too
        _send(out, {"protocol": PROTOCOL, "error": "cannot import: " + _describe(e), "line": _plugin_line(e, path)})
        return 1
    _send(out, {"protocol": PROTOCOL, "functions": listed})
    for line in inp:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            name = request["function"]
            f = functions.get(name)
            if f is None:
                raise Refused("no reward function named '%s' (there are: %s)" % (name, ", ".join(sorted(functions))))
            scores = _call(f, name, request["completions"], request.get("kwargs") or {})
            reply = {"id": request_id, "scores": scores}
        except Exception as e:
            reply = {"id": request_id, "error": _error_summary(e)}
        _send(out, reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
