#!/usr/bin/env bash
# Makes a published Functions app carry its own native tools, for hosts that have only glibc and the .NET runtime
# (Flex Consumption's Linux image has neither ffmpeg nor libtorch):
#   APP/native/bin  ffmpeg and ffprobe, RUNPATH $ORIGIN/../lib
#   APP/native/lib  every shared library they and the libtorch shim load, RUNPATH $ORIGIN
# and points the shim (APP/libServerlessStitchTorchNative.so) at native/lib. The app puts native/bin first on PATH
# at start (NativeBundle). Libraries every such host has are left out: glibc's, and the C++ runtime the .NET host
# itself loads. Usage: scripts/bundle_native.sh APP_DIR (the Functions project's publish runs it).
set -euo pipefail

fail() { echo "bundle_native: $*" >&2; exit 2; }
[ $# -eq 1 ] || fail "usage: bundle_native.sh APP_DIR"
app=${1%/}
shim=$app/libServerlessStitchTorchNative.so
[ -f "$shim" ] || fail "$shim not found: publish the Functions app into $app first"
for tool in ffmpeg ffprobe patchelf ldd objdump; do
  command -v "$tool" >/dev/null || fail "$tool not found on PATH (scripts/setup.sh installs it)"
done

host_library() {
  case "$1" in
    libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*|ld-linux*) return 0 ;;
    libstdc++.so.*|libgcc_s.so.*) return 0 ;;
  esac
  return 1
}

# Written beside the app and moved into place last, so an interrupted run never leaves a partial native/.
partial=$app/native.partial
rm -rf "$partial"
mkdir -p "$partial/bin" "$partial/lib"
cp "$(command -v ffmpeg)" "$(command -v ffprobe)" "$partial/bin/"

dependencies=$(ldd "$partial/bin/ffmpeg" "$partial/bin/ffprobe" "$shim")
if grep -q "not found" <<<"$dependencies"; then
  fail "unresolved libraries: $(grep "not found" <<<"$dependencies" | sort -u | tr -s ' \t\n' ' ')"
fi
while read -r name path; do
  host_library "$name" || cp -L "$path" "$partial/lib/$name"
done < <(awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' <<<"$dependencies" | sort -u)

chmod u+w "$partial"/lib/* "$partial"/bin/*
for library in "$partial"/lib/*; do patchelf --set-rpath '$ORIGIN' "$library"; done
for tool in "$partial"/bin/*; do patchelf --set-rpath '$ORIGIN/../lib' "$tool"; done
patchelf --set-rpath '$ORIGIN:$ORIGIN/native/lib' "$shim"

# What the host must still provide: the newest glibc and libstdc++ symbol versions anything here asks for.
newest() { objdump -T "$partial"/bin/* "$partial"/lib/* "$shim" 2>/dev/null | grep -oE "$1_[0-9.]+" | sort -uV | tail -1; }
requires="$(newest GLIBC) $(newest GLIBCXX)"

rm -rf "$app/native"
mv "$partial" "$app/native"
echo "bundle_native: $(ls "$app/native/lib" | wc -l) libraries, $(du -sh "$app/native" | cut -f1) in $app/native; the host must provide $requires"
