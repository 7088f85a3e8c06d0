from datetime import timedelta

import pytest

from svcconfig import ConfigError, load_config, parse_config

TOML = """
[service]
name = "orders-api"
port = 8081

[database]
url = "postgresql://orders@db/orders"
connect_timeout = "2s"
"""


def test_load(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text(TOML, encoding="utf-8")
    config = load_config(path, environ={})
    assert (config.name, config.port) == ("orders-api", 8081)
    assert config.database.pool_size == 5
    assert config.database.connect_timeout == timedelta(seconds=2)


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text(TOML, encoding="utf-8")
    config = load_config(path, environ={"SVC_DATABASE__POOL_SIZE": "20", "SVC_SERVICE__PORT": "9000", "HOME": "/x"})
    assert config.database.pool_size == 20
    assert config.port == 9000


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"database": {"url": "x"}}, "service.name"),
        ({"service": {"name": "a"}}, "database.url"),
        ({"service": {"name": "a", "port": 0}, "database": {"url": "x"}}, "service.port"),
        ({"service": {"name": "a"}, "database": {"url": "x", "connect_timeout": "soon"}}, "database.connect_timeout"),
    ],
)
def test_errors_name_the_key(raw, key):
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert caught.value.key == key


def test_invalid_toml(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text("[service\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, environ={})
