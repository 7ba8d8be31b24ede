/** The setup wizard's password rules (api-contract §3.1), shared by env bootstrap and user admin. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
const COMMON_PASSWORDS = new Set(['123456789012', 'password1234', 'admin1234567', 'changeme1234']);

/** The contract's sentence for the first rule the password breaks, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `password must be at least ${PASSWORD_MIN_LENGTH} characters long (NIST recommendation for admin accounts)`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be ${PASSWORD_MAX_LENGTH} characters or less`;
  if (COMMON_PASSWORDS.has(password)) return 'password is too common - please choose a stronger password';
  return undefined;
}
