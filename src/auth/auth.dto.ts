import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { UserView } from '../users/user.view.js';

export class LoginDto {
  @ApiProperty({ example: 'admin' }) @IsString() @Length(1, 63) username!: string;
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

export class LoginResponse {
  @ApiProperty() token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: UserView }) user!: UserView;
}
