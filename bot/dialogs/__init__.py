"""Conversations that span several turns (the report form, questions about the routines)."""
