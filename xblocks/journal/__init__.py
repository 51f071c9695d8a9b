"""reflection_journal: private reflections saved as the learner types, gathered into a course journal."""
