"""Stories: items about one event grouped once, and stored with their story in one transaction."""
