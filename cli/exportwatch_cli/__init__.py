"""The exportwatch command line, the local stack on moto, the demo and the evaluations.

Development and operator tools: installed with the project's extras, never part of the Lambda layer.
"""
