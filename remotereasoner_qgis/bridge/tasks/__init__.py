"""The QgsTask subclasses, one module per kind of engine work: a run, a model operation, a test load, the set-up steps."""
