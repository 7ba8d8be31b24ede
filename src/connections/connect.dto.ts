import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** Body of POST /sessions/:id/connect: absent, `null` or this object (§3.3). */
export class ConnectDto {
  @ApiPropertyOptional({ description: 'Connect as this user (operators and admins; default: the caller)' })
  @IsOptional()
  @IsString({ message: 'must be a username' })
  @Length(1, 63, { message: 'must be a username' })
  user?: string;
}
