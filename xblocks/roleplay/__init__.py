"""Scenario role-play: a branching conversation scored on the five partnership dimensions."""
