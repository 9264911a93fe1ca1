#!/usr/bin/env python3
"""Writes data/train.jsonl and data/eval.jsonl: two-digit addition and subtraction, disjoint splits.

Deterministic (seed 7); rerun to regenerate exactly the committed files.
"""
import json
import random

rng = random.Random(7)
problems = [(a, op, b) for a in range(100) for b in range(100) for op in "+-"]
rng.shuffle(problems)
splits = {"eval": problems[:500], "train": problems[500:8500]}
for split, items in splits.items():
    with open(f"data/{split}.jsonl", "w") as f:
        for i, (a, op, b) in enumerate(items):
            ans = a + b if op == "+" else a - b
            f.write(json.dumps({"id": f"{split}-{i}", "prompt": f"{a}{op}{b}=", "answer": str(ans)}) + "\n")
