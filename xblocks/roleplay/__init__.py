"""Scenario role-play: a branching conversation scored on the dimensions the author names (the five partnership dimensions for Ms. Pérez)."""
