"""Choosing across models: `select` (which models a profile allows, ranked), `compare` (side by
side), `sustainability` (who keeps a model alive) and `choose` (a licence for your own release).

Every step reuses the one pipeline: models are read and evaluated by `smallprint.check`,
judged by the policy evaluator, assessed by the openness evaluator; this package only
gathers, ranks and lays out what those return. One small module per job:

- `data`: the selection tables of the knowledge base (duty weights, task tags, release licences, backers)
- `filters`: --task, --modality, --params, --open-weights-only on catalog and Hub facts
- `hub_search`: widen the pool with a Hub search through `huggingface_hub`
- `pool`: the candidate models, checked through the pipeline
- `ranking`: the order of allowed models, with the inputs of each rank
- `select`, `compare`, `sustainability`, `choose`: the four answers
- `views`: table, Markdown, HTML and JSON renderings
"""

from __future__ import annotations

__all__ = ["choose", "compare", "select", "sustainability"]
