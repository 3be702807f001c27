"""Post-build hook for Trunk: allow exactly the inline scripts Trunk wrote, by hash.

Trunk loads the WebAssembly with a small inline module script. A strict
Content-Security-Policy forbids inline scripts unless their hash is listed, so this
hook hashes every inline <script> of the staged index.html and puts the hashes where
index.html says TRUNK_INLINE_SCRIPT_HASHES. Nothing else is allowed to run.
"""
import base64
import hashlib
import os
import re
import sys

path = os.path.join(os.environ.get("TRUNK_STAGING_DIR", "dist"), "index.html")
with open(path, encoding="utf-8") as f:
    html = f.read()
if "TRUNK_INLINE_SCRIPT_HASHES" not in html:
    sys.exit(f"csp-hash: no TRUNK_INLINE_SCRIPT_HASHES placeholder in {path}")
scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
hashes = sorted({
    "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
    for s in scripts if s.strip()
})
html = html.replace("TRUNK_INLINE_SCRIPT_HASHES", " ".join(hashes))
with open(path, "w", encoding="utf-8") as f:
    f.write(html)
print(f"csp-hash: allowed {len(hashes)} inline script(s) in {path}")
