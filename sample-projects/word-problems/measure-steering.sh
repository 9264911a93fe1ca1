#!/usr/bin/env bash
# Hints and prompt samplers on the hard problems (docs/curricula.md, "Measured"): each arm trains this sample from its
# warm start for 60 steps on a pool of 64 problems per difficulty and is evaluated on the 200 hard eval problems;
# then a table of hard accuracy and the zero-advantage share of hard groups. Usage: measure-steering.sh OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
grpowb="$here/../../grpowb"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
python3 - "$here" "$out" <<'PY'
import json, sys
here, out = sys.argv[1:]
by = {'easy': [], 'medium': [], 'hard': []}
for l in open(f'{here}/data/train.jsonl'):
    d = json.loads(l)
    if len(by[d['difficulty']]) < 64:
        by[d['difficulty']].append(l)
open(f'{out}/train-pool.jsonl', 'w').writelines(by['easy'] + by['medium'] + by['hard'])
open(f'{out}/eval-hard.jsonl', 'w').writelines(
    l for l in open(f'{here}/data/eval.jsonl') if json.loads(l)['difficulty'] == 'hard')
PY
staged='curriculum: {sampler: uniform, stages: [{name: easy, filter: {difficulty: [easy]}, advance: {after_steps: 10}}, {name: medium, filter: {difficulty: [easy, medium]}, advance: {after_steps: 15}}, {name: all}]}'
arm() {
  local name=$1 sections=$2 d="$out/$1"
  rm -rf "$d" && mkdir -p "$d"
  # the sample's project without its own hints and curriculum, on the pool, evaluated on the hard split
  sed -n '1,/^# Scaf-GRPO/p' "$here/project.yaml" | sed '$d' \
    | sed "s|train: data/train.jsonl|train: $out/train-pool.jsonl|; s|eval: data/eval.jsonl|eval: $out/eval-hard.jsonl|" \
    | sed "s|init: model|init: $here/model|; s|from: random-init|from: $here/random-init|" \
    | sed 's|steps: 300|steps: 60|; s|eval_every: 100|eval_every: 0|' > "$d/project.yaml"
  printf '%s\n' "$sections" >> "$d/project.yaml"
  GRPOWB_THREADS=1 "$grpowb" train "$d" --store "$d/runs.db" --json > "$d/train.json" 2> "$d/train.err"
}
arm uniform 'curriculum: {sampler: uniform}'
arm hints-group 'hints: {policy: scaf_grpo, settings: {warmup_steps: 10, escalate_after: 2}}'
arm hints-replace 'hints: {policy: scaf_grpo, settings: {warmup_steps: 10, escalate_after: 2, replace_one_rollout: true}}'
arm hints-eager 'hints: {policy: scaf_grpo, settings: {warmup_steps: 0, escalate_after: 1, replace_one_rollout: true}}'
arm staged "$staged"
arm prompt-gdro 'curriculum: {sampler: prompt_gdro, sampler_settings: {group_by: difficulty}}'
arm staged-hints "hints: {policy: scaf_grpo, settings: {warmup_steps: 10, escalate_after: 2}}
$staged"
python3 - "$out" <<'PY'
import json, sqlite3, sys
out = sys.argv[1]
diff = {json.loads(l)['id']: json.loads(l)['difficulty'] for l in open(f'{out}/train-pool.jsonl')}
print(f"{'arm':14} {'hard before':>11} {'after':>7} {'zero-adv hard':>13} {'zero-adv all':>12} {'hard groups':>11} {'hinted':>7}")
for arm in ['uniform', 'hints-group', 'hints-replace', 'hints-eager', 'staged', 'prompt-gdro', 'staged-hints']:
    done = json.loads(open(f'{out}/{arm}/train.json').read().strip().split('\n')[-1])
    rows = sqlite3.connect(f'{out}/{arm}/runs.db').execute('''select g.prompt_id, max(abs(r.advantage)) = 0,
        max(r.hint_tier) from "groups" g join rollouts r on r.group_id = g.id group by g.id''').fetchall()
    hard = [r for r in rows if diff.get(r[0]) == 'hard']
    print(f"{arm:14} {100 * done['eval_accuracy_before']:10.1f}% {100 * done['eval_accuracy_after']:6.1f}% "
          f"{sum(r[1] for r in hard) / len(hard):13.3f} {sum(r[1] for r in rows) / len(rows):12.3f} {len(hard):11d} "
          f"{sum(1 for r in rows if r[2] > 0) / len(rows):7.3f}")
PY
