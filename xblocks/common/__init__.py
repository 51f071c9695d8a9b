"""Helpers more than one block needs: located problems, i18n, rendering, platform access."""
