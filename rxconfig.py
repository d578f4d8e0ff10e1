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
    state_manager_mode="redis" if _settings.redis_url else "disk",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
)
