import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../common/principal.js';
import { PagedQuery } from '../common/paging.js';
import { stringToBoolean } from '../common/string-transforms.js';

/** §2.5: always a valid Kubernetes label value. */
export const USERNAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** The setup wizard's email rule (§3.1), used for every account. */
export const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'alice', pattern: USERNAME.source, maxLength: 63 })
  @IsString()
  @Length(1, 63)
  @Matches(USERNAME, { message: 'username must match ^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$' })
  username!: string;

  @ApiProperty({ example: 'alice@example.com' })
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL, { message: 'email must be a valid email address' })
  email!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) fullName?: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'user' }) @IsOptional() @IsIn(ROLES) role?: Role;

  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsString() password!: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
}

/** Everything but the username can change; omitted fields stay as they are. */
export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username'] as const)) {}

export class ListUsersQuery extends PagedQuery(1000) {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of username, email or full name' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(stringToBoolean)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}
