# Sourced by the scripts: where tools and caches live.
# The cargo target directory sits outside the checkout so that a fresh clone (as CI
# makes) reuses earlier builds on the same machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HUAXIAN_CACHE:-$HOME/.cache/huaxian}/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
