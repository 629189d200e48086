"""Water balance for a pool's readings: the pool's targets, then the chemistry core (§16).

Every route that shows a WaterBalance goes through here; the formulas live in `app.chemistry`.
"""

from app import chemistry
from app.alerts import service as alerts_service
from app.alerts.models import DEFAULT_RANGES, AlertConfig, Metric, Range
from app.pools.models import Pool, PoolType
from app.readings.models import PoolValues
from app.readings.schemas import chemistry_reading
from app.water_balance.schemas import WaterBalanceOut, WaterBalanceRequest


def _target(limits: Range) -> chemistry.TargetRange:
    return chemistry.TargetRange(limits.min, limits.max)


def targets_for(*, pool_type: PoolType | None, ph: Range, chlorine: Range) -> chemistry.Targets:
    """§16's targets for a pool of `pool_type`, with pH and chlorine from its alert ranges."""
    return chemistry.targets_for(
        ph=_target(ph), chlorine=_target(chlorine), saltwater=pool_type is PoolType.SALTWATER
    )


def water_balance_for(
    *, pool: Pool, pool_values: PoolValues, config: AlertConfig
) -> WaterBalanceOut:
    """The LSI and dosing plan of readings on `pool`, against `config` (enabled or not); no I/O."""
    targets = targets_for(pool_type=pool.pool_type, ph=config.ph, chlorine=config.chlorine)
    balance = chemistry.assess(chemistry_reading(pool_values), targets, pool.volume_liters)
    return WaterBalanceOut.of(balance)


async def for_pool_values(*, pool_values: PoolValues, pool: Pool) -> WaterBalanceOut:
    """The water balance of stored readings, with their pool's current alert config."""
    config = await alerts_service.peek_config(pool_id=pool.id)
    return water_balance_for(pool=pool, pool_values=pool_values, config=config)


def calculate(*, data: WaterBalanceRequest) -> WaterBalanceOut:
    """The calculator: readings with the default alert ranges; stores nothing."""
    targets = targets_for(
        pool_type=data.pool_type,
        ph=DEFAULT_RANGES[Metric.PH],
        chlorine=DEFAULT_RANGES[Metric.CHLORINE],
    )
    balance = chemistry.assess(chemistry_reading(data.readings), targets, data.volume_liters)
    return WaterBalanceOut.of(balance)
