// What node and edge VMs share: the OS image and the SSH-only Linux settings.

@export()
@description('Ubuntu 24.04 LTS, Gen2 (Trusted Launch); its Prometheus is new enough to remote-write with a managed identity.')
var ubuntuImage = {
  publisher: 'Canonical'
  offer: 'ubuntu-24_04-lts'
  sku: 'server'
  version: 'latest'
}

@export()
@description('SSH keys only: no password exists on any VM.')
func linuxConfiguration(adminUsername string, sshPublicKey string) object => {
  disablePasswordAuthentication: true
  ssh: {
    publicKeys: [{ path: '/home/${adminUsername}/.ssh/authorized_keys', keyData: sshPublicKey }]
  }
  provisionVMAgentWithAutoUpdate: true
}

@export()
@description('Trusted Launch: secure boot and a virtual TPM.')
var trustedLaunch = {
  securityType: 'TrustedLaunch'
  uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }
}

@export()
@description('The Azure Monitor Agent, authenticating with the VM\'s user-assigned identity.')
func monitorAgentSettings(identityId string) object => {
  authentication: {
    managedIdentity: { 'identifier-name': 'mi_res_id', 'identifier-value': identityId }
  }
}
