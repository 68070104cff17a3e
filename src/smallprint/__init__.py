"""smallprint: what you may do with an AI model, with the clause that says so."""

__version__ = "0.1.0"
