"""exportwatch: alerts for export-compliance teams on Entity List, license and deadline actions.

The flow is poll -> normalize -> classify -> cluster into stories -> store (DynamoDB) -> stream ->
notify (SNS). Handlers in ``functions/`` are thin; every step lives in a module of this package.
"""

__version__ = "0.1.0"
