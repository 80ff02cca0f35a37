"""The widgets: the dock, the settings and set-up dialogs, the Models tab, and the result layers they show."""
