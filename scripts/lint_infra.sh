#!/usr/bin/env bash
# Lints infra/ offline: the Bicep CLI comes from its NuGet package (Azure.Bicep.CommandLine.linux-x64, no az CLI
# needed) into artifacts/tools; `bicep build` type-checks every resource against the Azure resource schemas it
# carries, `bicep lint` runs the linter rules; the JSON and YAML files are parsed. Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
BICEP_VERSION=0.49.2
tools="artifacts/tools"
bicep="$tools/pkgs/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
if [[ ! -x "$bicep" ]]; then
  mkdir -p "$tools/restore"
  cat > "$tools/restore/bicep.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$BICEP_VERSION]" /></ItemGroup>
</Project>
XML
  # Empty props beside it: the repository's central package settings do not apply to this download.
  echo '<Project />' > "$tools/restore/Directory.Build.props"
  echo '<Project />' > "$tools/restore/Directory.Packages.props"
  dotnet restore "$tools/restore/bicep.csproj" --packages "$tools/pkgs" -v quiet
  chmod +x "$bicep"
fi
"$bicep" --version
status=0
for file in infra/main.bicep infra/modules/*.bicep; do
  out="$("$bicep" build "$file" --stdout 2>&1 >/dev/null)" || status=1
  lint="$("$bicep" lint "$file" 2>&1)" || status=1
  if [[ -n "$out$lint" ]]; then echo "$out$lint"; status=1; else echo "ok  $file (build, lint)"; fi
done
for file in infra/main.parameters.json host.json local.settings.sample.json ServerlessStitch.Local.slnf ServerlessStitch.Azure.slnf; do
  python3 -m json.tool "$file" > /dev/null && echo "ok  $file (JSON)" || status=1
done
python3 -c 'import sys, yaml; yaml.safe_load(open("azure.yaml"))' 2>/dev/null && echo "ok  azure.yaml (YAML)" \
  || { /usr/bin/python3 -c 'import yaml' 2>/dev/null || echo "--  azure.yaml not parsed (no PyYAML)"; }
exit $status
