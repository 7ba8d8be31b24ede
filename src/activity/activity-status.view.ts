import { ApiProperty } from '@nestjs/swagger';

/** `ActivityStatus` (api-contract §4.6): idle figures and when the idle monitor would act. */
export class ActivityStatusView {
  @ApiProperty() sessionId!: string;
  @ApiProperty({ enum: ['running', 'hibernated', 'terminated'] }) state!: string;
  @ApiProperty({ enum: ['Pending', 'Running', 'Hibernated', 'Terminated', 'Failed'] }) phase!: string;
  @ApiProperty({ format: 'date-time' }) lastActivity!: string;
  @ApiProperty() idleDuration!: number;
  @ApiProperty() idleThreshold!: number;
  @ApiProperty() isIdle!: boolean;
  @ApiProperty() isActive!: boolean;
  @ApiProperty() activeConnections!: number;
  @ApiProperty() autoHibernation!: boolean;
  @ApiProperty() shouldHibernate!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) hibernateAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) maxDurationAt!: string | null;
}
