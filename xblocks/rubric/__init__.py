"""facilitation_rubric: self-assessment, rater calibration and trainer certification."""
