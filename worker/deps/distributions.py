"""Import names whose distribution on PyPI is called something else.

`import yaml` needs `pip install PyYAML`: the name a module is imported by and the name its
distribution is published under differ for many popular packages. Inferred requirements go
through this table; any import not in it is looked up on PyPI under its own name (PyPI
normalizes `_`, `.` and case, so `import typing_extensions` finds `typing-extensions`). A
script whose imports this table gets wrong can list its requirements itself in a
`# requirements:` header (see `python_imports`).
"""
from __future__ import annotations

IMPORT_TO_DISTRIBUTION: dict[str, str] = {
    "yaml": "PyYAML",
    "PIL": "Pillow",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python-headless",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "PyJWT",
    "dotenv": "python-dotenv",
    "jose": "python-jose",
    "magic": "python-magic",
    "multipart": "python-multipart",
    "slugify": "python-slugify",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "telegram": "python-telegram-bot",
    "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL",
    "nacl": "PyNaCl",
    "git": "GitPython",
    "github": "PyGithub",
    "gitlab": "python-gitlab",
    "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.protobuf": "protobuf",
    "googleapiclient": "google-api-python-client",
    "attr": "attrs",
    "dns": "dnspython",
    "serial": "pyserial",
    "usb": "pyusb",
    "zmq": "pyzmq",
    "fitz": "PyMuPDF",
    "pdfminer": "pdfminer.six",
    "Levenshtein": "python-Levenshtein",
    "websocket": "websocket-client",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "kafka": "kafka-python",
    "ldap": "python-ldap",
    "markdown": "Markdown",
    "jinja2": "Jinja2",
    "mpl_toolkits": "matplotlib",
    "win32api": "pywin32",
    "ruamel": "ruamel.yaml",
    "sentry_sdk": "sentry-sdk",
    "snowflake": "snowflake-connector-python",
    "grpc": "grpcio",
    "faiss": "faiss-cpu",
    "Bio": "biopython",
    "igraph": "python-igraph",
}
"""Import name (or dotted prefix, for namespace packages) → PyPI distribution name."""


def distribution_for(module: str) -> str:
    """The distribution that provides `module` (a dotted import path)."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in IMPORT_TO_DISTRIBUTION:
            return IMPORT_TO_DISTRIBUTION[prefix]
    return parts[0]
