"""The driver and the commands: analyze, live and eval compose the layers below."""
