import reflex as rx

from cabinet import settings

_settings = settings.get()

config = rx.Config(
    app_name="cabinet",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=_settings.port,
    cors_allowed_origins=_settings.cors_origins,
    redis_url=_settings.redis_url,
    # Without Redis the states stay in memory, never on disk, each dropped once its client has sent nothing for as
    # long as a session may idle (a signed-in client's session would have ended by then anyway).
    state_manager_mode="redis" if _settings.redis_url else "memory",
    **({} if _settings.redis_url else {"redis_token_expiration": _settings.session_idle_minutes * 60}),
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
)
