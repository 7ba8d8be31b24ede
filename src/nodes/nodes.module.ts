import { Module } from '@nestjs/common';

/** Node administration (§3.8). */
@Module({})
export class NodesModule {}
