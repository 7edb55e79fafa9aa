from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Need(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(default=0)  # children in childcare, seats in a ride
    detail: Mapped[str] = mapped_column(Text, default="")  # ages, a language code, or free text

    registration = relationship("Registration", back_populates="needs")
