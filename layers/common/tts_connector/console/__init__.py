"""The merchant console: server-rendered HTML fragments over the same layer functions as the admin API.

`app.build_console_app()` mounts one module per screen (`overview`, `shops`, `settings_screen`,
`activity`); each module's view model calls what the admin routes call and its Jinja2 template only
displays what the view model decided. `shell` serves the public page, assets and `config.json`.
"""
