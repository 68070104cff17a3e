"""The one pipeline every front end calls (command line, watch, server, audit, selection):

    target -> sources (router) -> facts -> matchers -> knowledge base -> evaluators -> typed result

- `check.py`: one target or many into `CheckResult`s (licence, lineage, findings, terms,
  openness attached once), each target isolated: a failure is that target's `error`.
- `run.py`: a `CheckRequest` (targets or an inventory, profile, organisation policy,
  gate) into a `CheckOutcome` with the exit code.
- `licences.py`: licence files and texts into `LicenseResult`s; explain and diff.
- `openness.py`: models and Model Openness Tool files into openness results.

Rendering is not here: `smallprint.reports` turns these typed results into text and
`smallprint.documents` into the versioned JSON documents.
"""
