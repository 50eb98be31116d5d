{
  "targets": [
    {
      "target_name": "ristretto255",
      "sources": ["native/addon.c", "native/ristretto255.c"],
      "cflags": ["-O3", "-Wall", "-Wextra"],
      "cflags_c": ["-std=c11"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] }
    }
  ]
}
