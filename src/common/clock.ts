import { Global, Injectable, Module } from '@nestjs/common';

/** The time, injected so jobs and idle figures can be tested without waiting minutes. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
