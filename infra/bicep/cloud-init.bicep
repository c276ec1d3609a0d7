// The custom data every platform VM boots with: a cloud-config that writes the deployment's
// settings (/etc/platform/deploy.env, no secret values) and the two scripts, then runs the
// installer once. The scripts live in scripts/ so they can be read and checked as shell.

@export()
@description('KEY=\'value\' lines, read both by bash and by systemd\'s EnvironmentFile.')
func deployEnv(settings object) string => join(map(items(settings), setting => '${setting.key}=\'${setting.value}\''), '\n')

@export()
@description('The cloud-config for a VM whose settings are `settings` (an object of strings).')
func cloudConfig(settings object) string => join([
  '#cloud-config'
  'write_files:'
  '  - path: /etc/platform/deploy.env'
  '    permissions: "0600"'
  '    encoding: b64'
  '    content: ${base64(deployEnv(settings))}'
  '  - path: /usr/local/bin/platform-install'
  '    permissions: "0755"'
  '    encoding: b64'
  '    content: ${loadFileAsBase64('scripts/platform-install.sh')}'
  '  - path: /usr/local/bin/platform-run'
  '    permissions: "0755"'
  '    encoding: b64'
  '    content: ${loadFileAsBase64('scripts/platform-run.sh')}'
  'runcmd:'
  '  - [/usr/local/bin/platform-install]'
  ''
], '\n')
