"""Reward functions in TRL's signature, for GRPO Workbench.

Drop this file on the workbench's window (or copy it into a project's plugins/ folder), trust it, and name its
functions in project.yaml like any reward:

    rewards:
      - {name: exact_number, weight: 1.0}
      - {name: brevity, weight: 0.2}

Each top-level function that takes ``completions`` is a reward named by the function's name, as TRL names them. It is
called once per step with every completion of the step and the examples' fields as keyword arguments (lists, one
entry per completion): ``prompts``, ``answer``, ``id`` and every other field of the data lines, such as
``difficulty``. It returns one float per completion, or None where it cannot score (that rollout's reward fails and
is flagged). The same file works unchanged as ``reward_funcs=[exact_number, brevity]`` in TRL's GRPOTrainer.

The workbench runs this file in a worker process of your own python3, with your own rights.
"""
import re

_NUMBER = re.compile(r"-?\d+")


def exact_number(completions, answer, **kwargs):
    """1 when the first integer of the completion is the answer, else 0."""
    scores = []
    for completion, expected in zip(completions, answer):
        found = _NUMBER.search(completion)
        scores.append(1.0 if found and found.group() == expected.strip() else 0.0)
    return scores


def brevity(completions, **kwargs):
    """0 at up to 8 words, falling by 0.1 per extra word to -1."""
    return [max(-1.0, -0.1 * max(0, len(c.split()) - 8)) for c in completions]


brevity.score_range = (-1.0, 0.0)
