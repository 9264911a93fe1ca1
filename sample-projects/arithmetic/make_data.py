#!/usr/bin/env python3
"""Writes data/train.jsonl and data/eval.jsonl: two-digit addition and subtraction, disjoint splits.

Deterministic (seed 7); rerun to regenerate exactly the committed files.

Each line carries a `difficulty` for curricula, by a point for each of: a carry (addition) or a borrow (subtraction:
the larger operand's units digit is the smaller), an operand of 50 or more, a negative result. No points is
`easy`, one `medium`, two or three `hard`. The problems have no hints: a hint goes before the prompt, and the
character-level model's context of 16 leaves no room for one.
"""
import json
import random


def difficulty(a, op, b):
    if op == "+":
        regroup = a % 10 + b % 10 >= 10
    else:
        big, small = max(a, b), min(a, b)
        regroup = big % 10 < small % 10
    points = int(regroup) + int(max(a, b) >= 50) + int(op == "-" and a < b)
    return ["easy", "medium", "hard", "hard"][points]


rng = random.Random(7)
problems = [(a, op, b) for a in range(100) for b in range(100) for op in "+-"]
rng.shuffle(problems)
splits = {"eval": problems[:500], "train": problems[500:8500]}
for split, items in splits.items():
    with open(f"data/{split}.jsonl", "w") as f:
        for i, (a, op, b) in enumerate(items):
            ans = a + b if op == "+" else a - b
            f.write(json.dumps({"id": f"{split}-{i}", "prompt": f"{a}{op}{b}=", "answer": str(ans),
                                "difficulty": difficulty(a, op, b)}) + "\n")
