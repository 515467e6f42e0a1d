"""What an item is about: labels with evidence, the parties named, countries and key dates."""
