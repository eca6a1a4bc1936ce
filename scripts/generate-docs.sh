#!/usr/bin/env bash
# Regenerates the man pages (man/) and shell completions (completions/) from
# the commands' own definitions, so they always match --help. Run after
# changing any command, flag or help text, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=(git-hforge git-realm git-scope git-credential-hforge)
rm -rf man completions
mkdir -p man completions/bash completions/zsh completions/fish
# The plugin writes one page per command of every executable product.
swift package --allow-writing-to-package-directory generate-manual --configuration debug \
    --multi-page --date 2026-11-21 --authors "hyperforge developers" >/dev/null
for tool in "${tools[@]}"; do
    for page in .build/plugins/GenerateManual/outputs/"$tool"/*.1; do
        case "$page" in *.help.1) continue ;; esac
        cp "$page" man/
    done
done
swift build --configuration debug >/dev/null
for tool in "${tools[@]}"; do
    .build/debug/"$tool" --generate-completion-script bash > completions/bash/"$tool"
    .build/debug/"$tool" --generate-completion-script zsh > completions/zsh/_"$tool"
    .build/debug/"$tool" --generate-completion-script fish > completions/fish/"$tool".fish
done
echo "man pages: $(ls man | wc -l), completions: $(find completions -type f | wc -l)"
