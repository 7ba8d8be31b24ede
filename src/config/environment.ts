import { existsSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  validateSync,
  type ValidationArguments,
  type ValidatorConstraintInterface,
  ValidatorConstraint,
} from 'class-validator';
import { passwordProblem } from '../common/password-policy.js';
import { durationSeconds } from '../common/durations.js';
import type { DbSslMode, LogLevel, NodeEnv } from './app-config.js';
import { stringToBoolean, stringToInteger } from '../common/string-transforms.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
const toSeconds = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (durationSeconds(value) ?? value) : value;

@ValidatorConstraint({ name: 'origins' })
class OriginList implements ValidatorConstraintInterface {
  validate(origins: unknown) {
    return (
      Array.isArray(origins) &&
      origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s?#]+$/.test(String(origin)))
    );
  }
  defaultMessage({ property }: ValidationArguments) {
    return `${property} must be a comma-separated list of origins like https://example.com:8443, or *`;
  }
}

@ValidatorConstraint({ name: 'dnsLabels' })
class DnsLabelList implements ValidatorConstraintInterface {
  validate(names: unknown) {
    return Array.isArray(names) && names.every((name) => DNS_LABEL.test(String(name)));
  }
  defaultMessage({ property }: ValidationArguments) {
    return `${property} must be a comma-separated list of namespace names (DNS-1123 labels)`;
  }
}

/** Env bootstrap passwords obey the setup wizard's rules (§2.5); the message never echoes the value. */
@ValidatorConstraint({ name: 'acceptablePassword' })
class AcceptablePassword implements ValidatorConstraintInterface {
  validate(password: unknown) {
    return typeof password === 'string' && passwordProblem(password) === undefined;
  }
  defaultMessage({ property, value }: ValidationArguments) {
    return `${property} is not acceptable: ${passwordProblem(String(value))}`;
  }
}

@ValidatorConstraint({ name: 'existingFiles' })
class ExistingFiles implements ValidatorConstraintInterface {
  validate(paths: unknown) {
    return (
      typeof paths === 'string' &&
      paths
        .split(':')
        .filter(Boolean)
        .every((path) => existsSync(path))
    );
  }
  defaultMessage({ property, value }: ValidationArguments) {
    return `${property} names a file that does not exist: ${String(value)}`;
  }
}

/** Raw environment variables of api-contract §6.9 plus PGLITE_DIR and LOG_LEVEL. */
class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: '$property must be development, production or test' })
  NODE_ENV: NodeEnv = 'development';

  @Transform(stringToInteger)
  @IsInt({ message: '$property must be a whole number between 1 and 65535, got "$value"' })
  @Min(1, { message: '$property must be a whole number between 1 and 65535, got "$value"' })
  @Max(65535, { message: '$property must be a whole number between 1 and 65535, got "$value"' })
  API_PORT: number = 8000;

  @Matches(DNS_LABEL, { message: '$property must be a namespace name (DNS-1123 label), got "$value"' })
  NAMESPACE: string = 'streamspace';

  // Never echo these values: they may hold credentials.
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: '$property must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^[^\s/]+$/, { message: '$property must be a host name or address, got "$value"' })
  DB_HOST?: string;

  @Transform(stringToInteger)
  @IsInt({ message: '$property must be a whole number between 1 and 65535, got "$value"' })
  @Min(1, { message: '$property must be a whole number between 1 and 65535, got "$value"' })
  @Max(65535, { message: '$property must be a whole number between 1 and 65535, got "$value"' })
  DB_PORT: number = 5432;

  DB_USER: string = 'streamspace';
  DB_PASSWORD: string = 'streamspace';
  DB_NAME: string = 'streamspace';

  @IsIn(['disable', 'require', 'verify-ca', 'verify-full'], {
    message: '$property must be disable, require, verify-ca or verify-full, got "$value"',
  })
  DB_SSL_MODE: DbSslMode = 'disable';

  /** `memory` keeps the embedded database in memory (tests). */
  PGLITE_DIR: string = '.data/pglite';

  @ValidateIf((env: EnvironmentVariables) => env.JWT_SECRET !== undefined || env.NODE_ENV === 'production')
  @MinLength(32, {
    message: '$property must be set to at least 32 characters (required when NODE_ENV=production)',
  })
  JWT_SECRET?: string;

  @IsOptional() @Validate(AcceptablePassword) ADMIN_PASSWORD?: string;
  @IsOptional() @Validate(AcceptablePassword) ADMIN_PASSWORD_RESET?: string;

  @Transform(toList)
  @Validate(OriginList)
  CORS_ALLOWED_ORIGINS: string[] = [
    'http://localhost:3000',
    'http://localhost:4173',
    'http://localhost:5173',
    'http://localhost:8000',
  ];

  @IsOptional() TRUST_PROXY?: string;

  @Transform(toSeconds)
  @IsInt({ message: '$property must be a duration of at least 1s like 30s, 1m or 2h, got "$value"' })
  @Min(1, { message: '$property must be a duration of at least 1s like 30s, 1m or 2h, got "$value"' })
  IDLE_CHECK_INTERVAL: number = 60;

  @Transform(stringToBoolean)
  @IsIn([true, false], { message: '$property must be true or false, got "$value"' })
  RECONCILER_ENABLED: boolean = true;

  /** Login throttling (api-contract §1.5): failed logins per minute before 429. */
  @Transform(stringToInteger)
  @IsInt({ message: '$property must be an integer 1-100000, got "$value"' })
  @Min(1, { message: '$property must be an integer 1-100000, got "$value"' })
  @Max(100_000, { message: '$property must be an integer 1-100000, got "$value"' })
  LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS: number = 10;

  @Transform(stringToInteger)
  @IsInt({ message: '$property must be an integer 1-100000, got "$value"' })
  @Min(1, { message: '$property must be an integer 1-100000, got "$value"' })
  @Max(100_000, { message: '$property must be an integer 1-100000, got "$value"' })
  LOGIN_FAILURES_PER_ADDRESS: number = 60;

  @Transform(stringToInteger)
  @IsInt({ message: '$property must be an integer 1-100000, got "$value"' })
  @Min(1, { message: '$property must be an integer 1-100000, got "$value"' })
  @Max(100_000, { message: '$property must be an integer 1-100000, got "$value"' })
  LOGIN_FAILURES_PER_USERNAME: number = 100;

  @Transform(toList)
  @Validate(DnsLabelList)
  CLUSTER_WRITE_NAMESPACES: string[] = [];

  @Matches(DNS_SUBDOMAIN, { message: '$property must be a DNS subdomain, got "$value"' })
  INGRESS_DOMAIN: string = 'streamspace.local';

  @ValidateIf((env: EnvironmentVariables) => env.INGRESS_CLASS !== '')
  @Matches(DNS_SUBDOMAIN, { message: '$property must be empty or a DNS subdomain, got "$value"' })
  INGRESS_CLASS: string = '';

  @IsOptional() @Validate(ExistingFiles) CATALOG_FILE?: string;

  @IsOptional()
  @MinLength(16, { message: '$property must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @MaxLength(128, { message: '$property must be at most 128 characters' })
  GIT_COMMIT: string = 'unknown';

  @IsOptional() @Validate(ExistingFiles) KUBECONFIG?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: '$property must be one of fatal, error, warn, info, debug, trace, silent, got "$value"',
  })
  LOG_LEVEL?: LogLevel;
}

export type Environment = EnvironmentVariables;
const KNOWN = Object.keys(new EnvironmentVariables()).concat([
  'DATABASE_URL',
  'DB_HOST',
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'ADMIN_PASSWORD_RESET',
  'TRUST_PROXY',
  'CATALOG_FILE',
  'METRICS_TOKEN',
  'KUBECONFIG',
  'LOG_LEVEL',
]);

/** Known variables only; an empty value counts as unset (Helm and Docker often pass ""). */
function pickKnown(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of new Set(KNOWN)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

export function parseEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  return plainToInstance(EnvironmentVariables, pickKnown(env));
}

/** One line per problem, each starting with the variable's name. */
export function environmentProblems(env: NodeJS.ProcessEnv): string[] {
  return validateSync(parseEnvironment(env), { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
}
