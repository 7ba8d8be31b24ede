import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { USERNAME } from '../users/user.dto.js';
import { UserView } from '../users/user.view.js';

export class LoginDto {
  /** A name no account can have is refused before it is counted (api-contract §1.5). */
  @ApiProperty({ example: 'admin', pattern: USERNAME.source, maxLength: 63 })
  @IsString()
  @Length(1, 63)
  @Matches(USERNAME)
  username!: string;
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 128) password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The current token; it is revoked when the new one is issued' })
  @IsString()
  @Length(1, 8192)
  token!: string;
}

export class SetupDto {
  @ApiProperty({ format: 'password', minLength: 12, maxLength: 128 }) @IsString() password!: string;
  @ApiProperty({ format: 'password' }) @IsString() passwordConfirm!: string;
  @ApiProperty({ example: 'admin@example.com' }) @IsString() email!: string;
}

/** §3.18. The Settings page nests its fields in `oldPassword`; `changePasswordBody` flattens that first. */
export class ChangePasswordDto {
  @ApiProperty({ format: 'password' }) @IsString() @Length(1, 128) oldPassword!: string;
  @ApiProperty({ format: 'password', minLength: 12, maxLength: 128 }) @IsString() newPassword!: string;
}

/** `{oldPassword, newPassword}` as documented, or `{oldPassword: {currentPassword, newPassword}}` as the dashboard sends it. */
export function changePasswordBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const { oldPassword, newPassword } = body as Record<string, unknown>;
  if (typeof oldPassword !== 'object' || oldPassword === null) return body;
  const nested = oldPassword as Record<string, unknown>;
  return { oldPassword: nested.currentPassword, newPassword: nested.newPassword ?? newPassword };
}

export class LoginResponse {
  @ApiProperty() token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}
