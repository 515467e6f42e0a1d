"""AWS access: the only code that makes clients, reads or writes the table, or publishes to SNS."""
