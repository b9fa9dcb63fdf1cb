"""Adaptive Cards as pure functions returning the card's JSON (schema 1.5)."""
