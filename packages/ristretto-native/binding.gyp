{
  "targets": [
    {
      "target_name": "ristretto255",
      "sources": ["native/addon.c"],
      "cflags": ["-O3"]
    }
  ]
}
