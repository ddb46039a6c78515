"""The ChannelWatch server: REST API, WebSocket stream, live pipeline (see docs/api.md).

    from channelwatch.api.app import create_app
    app = create_app()          # settings from CHANNELWATCH_* variables

Heavy modules are imported by the app factory, not here.
"""
