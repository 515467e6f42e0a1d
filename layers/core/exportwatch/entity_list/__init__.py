"""The Entity List itself: the entries an Entity List rule adds, removes or revises."""
