import { ApiProperty } from '@nestjs/swagger';

/** `ConnectResponse` (api-contract §4.5). */
export class ConnectResponse {
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() sessionUrl!: string;
  @ApiProperty({ enum: ['running', 'hibernated', 'terminated'] }) state!: string;
  @ApiProperty() ready!: boolean;
  @ApiProperty() message!: string;
}

/** `Connection` (§4.5). */
export class ConnectionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Session name' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) clientIp!: string | null;
  @ApiProperty() userAgent!: string;
  @ApiProperty({ format: 'date-time' }) connectedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastHeartbeat!: string;
}
