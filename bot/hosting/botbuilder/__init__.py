"""The Bot Framework layer: the only place that imports botbuilder.

Bot Framework SDK for Python is archived upstream (successor: Microsoft 365 Agents SDK), so all
of it sits here, as thin as possible, and a move to another SDK replaces this package only.
"""
