/**
 * The namespace of the running test file. Every integration file gets one of its own from the jest
 * environment (test/setup/namespace-environment.ts), created before its first hook and deleted,
 * pass or fail, after its last: servers and K8sService instances the file starts use it through
 * NAMESPACE; use this for kubectl calls and manifests.
 */
export function testNamespace(): string {
  const namespace = process.env.NAMESPACE;
  if (!namespace) throw new Error('NAMESPACE is unset: integration files run in test/setup/namespace-environment.ts');
  return namespace;
}
