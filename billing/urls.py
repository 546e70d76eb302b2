from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("fees/", views.fee_schedule, name="fees"),
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:invoice_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:invoice_id>/invoice.csv", views.invoice_csv, name="invoice_csv"),
    path("invoices/<int:invoice_id>/send/", views.invoice_send, name="invoice_send"),
    path("invoices/<int:invoice_id>/payment/", views.invoice_payment, name="invoice_payment"),
    path("aging/", views.aging, name="aging"),
    path("statements/", views.statement_index, name="statements"),
    path("statements/<int:user_id>/", views.statement, name="statement"),
]
