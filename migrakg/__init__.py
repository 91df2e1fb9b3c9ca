"""migrakg — a linked open knowledge base of migrant organisations in Berlin."""

__version__ = "0.1.0"
